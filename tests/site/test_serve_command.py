"""`extramile serve` (what `make serve` runs): the site and the receiver together, and stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from ..conftest import REPO, free_port


def wait_for(url: str, process: subprocess.Popen, seconds: float = 120) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except (urllib.error.URLError, ConnectionError):
            assert process.poll() is None, "extramile serve stopped early"
            assert time.monotonic() < deadline, f"{url} did not answer"
            time.sleep(0.5)


def test_serve_runs_site_and_receiver_and_sigterm_stops_both(tmp_path):
    site_port, intake_port = free_port(), free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "extramile", "serve", "--site-addr", f"127.0.0.1:{site_port}",
         "--intake-port", str(intake_port)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        submit = wait_for(f"http://127.0.0.1:{site_port}/submit/", process)
        assert f'action="http://127.0.0.1:{intake_port}/submissions"' in submit  # the form posts to this receiver
        assert wait_for(f"http://127.0.0.1:{intake_port}/health", process) == '{"status":"ok"}'
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        children = subprocess.run(["pgrep", "-s", str(process.pid)], capture_output=True, text=True).stdout.split()
        assert children == [], f"left running: {children}"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
