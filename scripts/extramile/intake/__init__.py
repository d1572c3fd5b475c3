"""The intake: the receiver that takes form posts, and the store that keeps them."""
