from extramile.cli import main

raise SystemExit(main())
