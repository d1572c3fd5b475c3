"""The own-server recipe, run for real: deploy/Caddyfile and deploy/nginx-extramile.conf in front of a real
receiver started with deploy/extramile-intake.service's options. Both serve the built site and forward the
form's posts, and the receiver records the reader's address, not one the client made up in X-Forwarded-For.
(On loopback, with the addresses and the receiver's port changed; TLS left out.)"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from extramile.intake.config import Limits, receiver_settings
from extramile.intake.server import BackgroundServer
from tests.conftest import REPO, free_port
from tests.intake.conftest import good, rows

DEPLOY = REPO / "deploy"
UNIT = (DEPLOY / "extramile-intake.service").read_text(encoding="utf-8")
SPOOFED = "203.0.113.66"


def unit_option(name: str) -> str:
    return re.search(rf"--{name}\s+(\S+)", UNIT)[1]


def substitute(text: str, changes: dict[str, str]) -> str:
    for old, new in changes.items():
        assert old in text, f"the recipe no longer has {old!r}: update this test"
        text = text.replace(old, new)
    return text


def nginx(tmp: Path, site: Path, port: int, receiver_port: int) -> list[str]:
    server = substitute((DEPLOY / "nginx-extramile.conf").read_text(encoding="utf-8"), {
        "listen 80;": f"listen 127.0.0.1:{free_port()};", "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{port};", "listen [::]:443 ssl http2;": "",
        "ssl_certificate     /etc/letsencrypt/live/stories.example.org/fullchain.pem;": "",
        "ssl_certificate_key /etc/letsencrypt/live/stories.example.org/privkey.pem;": "",
        "root /srv/extramile/site;": f"root {site};", "127.0.0.1:8001": f"127.0.0.1:{receiver_port}"})
    (tmp / "site.conf").write_text(server, encoding="utf-8")
    temp = " ".join(f"{kind}_temp_path {tmp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp / "nginx.conf").write_text(f"""daemon off; master_process off; pid {tmp / 'nginx.pid'};
error_log {tmp / 'error.log'};
events {{}}
http {{ include /etc/nginx/mime.types; access_log off; {temp} include {tmp / 'site.conf'}; }}
""", encoding="utf-8")
    return ["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)]


def caddy(tmp: Path, site: Path, port: int, receiver_port: int) -> list[str]:
    config = substitute((DEPLOY / "Caddyfile").read_text(encoding="utf-8"), {
        "stories.example.org {": f"{{\n\tadmin off\n\tauto_https off\n}}\n\nhttp://127.0.0.1:{port} {{",
        "/srv/extramile/site": str(site), "127.0.0.1:8001": f"127.0.0.1:{receiver_port}"})
    (tmp / "Caddyfile").write_text(config, encoding="utf-8")
    return ["caddy", "run", "--config", str(tmp / "Caddyfile"), "--adapter", "caddyfile"]


PROXIES = {"nginx": nginx, "caddy": caddy}


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, f"the proxy stopped: {log.read_text()}"
            assert time.monotonic() < deadline, "the proxy did not start"
            time.sleep(0.1)


def request(port: int, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.msg, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.fixture(params=sorted(PROXIES))
def proxy(request, tmp_path):
    name = request.param
    binary = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install {name} (see .ci/run)")
        pytest.skip(f"the own-server recipe's test needs {name}: apt-get install nginx-light caddy")
    site = tmp_path / "site"
    (site / "stories").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Extra Mile</h1>", encoding="utf-8")
    (site / "404.html").write_text("<h1>No such page</h1>", encoding="utf-8")
    port = free_port()
    settings = receiver_settings(REPO, store=tmp_path / "store.sqlite3", site_url=f"http://127.0.0.1:{port}/",
                                 port=int(unit_option("port")), limits=Limits(rate=0), environ={})
    with BackgroundServer(settings, forwarded_allow_ips=unit_option("forwarded-allow-ips")) as receiver:
        env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
        log = tmp_path / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen([binary, *PROXIES[name](tmp_path, site, port, receiver.port)[1:]], env=env,
                                       stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_for(port, process, log)
            yield port, tmp_path / "store.sqlite3"
        finally:
            process.terminate()
            process.wait(timeout=20)


def test_the_web_server_serves_the_built_site_and_its_404_page(proxy):
    port, _ = proxy
    assert request(port, "GET", "/")[::2] == (200, "<h1>Extra Mile</h1>")
    status, _, body = request(port, "GET", "/no/such/page/")
    assert (status, body) == (404, "<h1>No such page</h1>")


def test_a_post_reaches_the_receiver_which_records_the_readers_address_not_a_claimed_one(proxy):
    port, store = proxy
    origin = f"http://127.0.0.1:{port}"
    body = urllib.parse.urlencode(good(), doseq=True).encode()
    status, headers, _ = request(port, "POST", "/submissions", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Origin": origin, "X-Forwarded-For": SPOOFED})
    assert status == 303 and headers["Location"].startswith(f"{origin}/submit/thanks/?ref=sub_")
    [record] = rows(store)
    assert record.private["ip"] == "127.0.0.1"  # the address the proxy was connected from; never SPOOFED


def test_the_unit_and_the_proxies_agree_on_the_receivers_address():
    assert unit_option("host") == "127.0.0.1" and unit_option("forwarded-allow-ips") == "127.0.0.1"
    address = f"127.0.0.1:{unit_option('port')}"
    assert f"reverse_proxy {address}" in (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    nginx_conf = (DEPLOY / "nginx-extramile.conf").read_text(encoding="utf-8")
    assert f"proxy_pass http://{address};" in nginx_conf
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx_conf  # replaced, never appended to
