"""The container image, the compose file and nginx's configuration, read as files (this machine has no
Docker daemon and no registry to pull base images from): what each promises holds in its text, and the
command it runs is one the studio's command line accepts. nginx's file is also checked by Debian's nginx
(``nginx -t``) as the tests run it, over plain http and over https."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

DEPLOY = ROOT / "deploy"
sys.path.insert(0, str(DEPLOY))
import local_stack  # noqa: E402  (deploy/nginx.conf as the tests run it)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of deploy/Dockerfile, continuation lines joined."""
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    return [tuple(line.strip().split(None, 1)) for line in text.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_the_image_runs_the_readmes_command_as_a_user_with_a_health_check_and_no_downloads():
    instructions = dockerfile_instructions()
    kinds = [kind for kind, _ in instructions]
    user = [args for kind, args in instructions if kind == "USER"]
    assert user and user[-1] not in ("root", "0")
    assert kinds.index("USER") < kinds.index("ENTRYPOINT")
    assert "HEALTHCHECK" in kinds
    env = " ".join(args for kind, args in instructions if kind == "ENV")
    assert "STUDIO_NO_DOWNLOAD=1" in env and "GRADIO_ANALYTICS_ENABLED=False" in env
    entry = yaml.safe_load(dict(instructions)["ENTRYPOINT"])
    assert entry[:2] == ["python", "studio.py"]
    assert any("pretrained" in args for kind, args in instructions if kind == "COPY")  # the shipped weights
    runs = " ".join(args for kind, args in instructions if kind == "RUN")
    assert "tensorflow[and-cuda]" in runs and "VARIANT" in dict(instructions)["ARG"]  # the GPU variant


def test_compose_runs_studios_that_share_a_class_behind_nginx_with_training_in_one_place(monkeypatch):
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("studio_cli", ROOT / "studio.py")
    cli = module_from_spec(spec)
    spec.loader.exec_module(cli)

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    studios = [name for name in services if name.startswith("studio")]
    assert len(studios) >= 2 and {"nginx", "redis", "trainer"} <= set(services)
    entry = yaml.safe_load(dict(dockerfile_instructions())["ENTRYPOINT"])[2:]
    for name in studios:
        # The studios' environment: the address students use (empty unless the operator gives one) and
        # forwarded headers believed from every peer, which is safe only while no studio publishes a port.
        environment = services[name]["environment"]
        assert environment["STUDIO_PUBLIC_URL"] == "${STUDIO_PUBLIC_URL:-}"
        assert environment["FORWARDED_ALLOW_IPS"] == "*" and "ports" not in services[name]
        monkeypatch.setenv("STUDIO_PUBLIC_URL", "")  # as compose passes it when the operator gives none
        monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")
        args = cli.parse_args(entry + services[name]["command"])  # a command the studio accepts
        assert args.start_class and args.class_store.startswith("redis://") and args.no_training
        assert not getattr(args, "public_url", None)
    sources = (ROOT / "studio.py").read_text() + "".join(p.read_text() for p in (ROOT / "studio").rglob("*.py"))
    for variable in ("STUDIO_PUBLIC_URL", "FORWARDED_ALLOW_IPS"):  # names the studio reads, not typos
        assert re.search(rf"environ(\.get\(|\[)[\"']{variable}[\"']", sources), variable
    nginx = (DEPLOY / "nginx.conf").read_text()
    for name in studios:  # every studio is behind nginx
        assert f"server {name}:7860" in nginx
    assert "hash $studio_route consistent" in nginx and "proxy_buffering off" in nginx
    assert "--appendonly" in shlex.join(services["redis"]["command"])
    assert services["trainer"]["entrypoint"] == ["python", "-m", "studio.train"]


def upstream_block(nginx: str) -> str:
    return re.search(r"\n    upstream studios \{\n(.*?)\n    \}\n", nginx, re.S).group(1)


def test_nginx_ends_tls_passes_the_scheme_and_re_resolves_the_studios_of_compose():
    nginx = (DEPLOY / "nginx.conf").read_text()
    code = "\n".join(line.split("#", 1)[0].rstrip() for line in nginx.splitlines())  # without comments
    nginx_service = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["nginx"]
    # TLS on 8443 with the certificate compose mounts from ./certs, modern protocols only.
    assert re.search(r"^\s*listen 8443 ssl;", code, re.M) and re.search(r"^\s*listen 8080;", code, re.M)
    assert "./certs:/etc/nginx/certs:ro" in nginx_service["volumes"]
    assert "./nginx.conf:/etc/nginx/nginx.conf:ro" in nginx_service["volumes"]
    assert re.search(r"^\s*ssl_certificate /etc/nginx/certs/studio\.crt;", code, re.M)
    assert re.search(r"^\s*ssl_certificate_key /etc/nginx/certs/studio\.key;", code, re.M)
    assert re.findall(r"^\s*ssl_protocols ([^;]*);", code, re.M) == ["TLSv1.2 TLSv1.3"]
    assert {"8443:8443", "8080:8080"} <= set(nginx_service["ports"])
    # Plain http gets a 301 to https on the port compose publishes, unless a TLS proxy in front says https.
    assert re.search(r"if \(\$forwarded_proto = http\) \{ return 301 https://\$host:8443\$request_uri; \}", code)
    # The scheme passed on: a map whose default is nginx's own $scheme and that takes only "https" from
    # the header; the studios read it from X-Forwarded-Proto, and the host from nginx, not from the browser.
    scheme_map = re.search(r"map \$http_x_forwarded_proto \$forwarded_proto \{([^}]*)\}", code).group(1)
    assert dict(line.split() for line in scheme_map.strip().rstrip(";").split(";\n")) == {
        "default": "$scheme", "https": "https"}
    headers = dict(re.findall(r"proxy_set_header (\S+) ([^;]*);", code))
    assert headers["X-Forwarded-Proto"] == "$forwarded_proto"
    assert headers["X-Forwarded-Host"] == "$http_host" and headers["X-Gradio-Server"] == '""'
    # Stickiness as it was: the cookie nginx sets, hashed consistently.
    assert 'map $cookie_studio_route $studio_route' in code and "add_header Set-Cookie \"studio_route=$studio_route;" in code
    # Re-resolving: every studio's line says resolve, with Docker's DNS and a shared zone, and the image
    # is an nginx that knows "resolve" (1.27.3 or later).
    upstream = upstream_block(code)
    assert "hash $studio_route consistent;" in upstream
    assert re.search(r"^\s*zone studios \d+k;", upstream, re.M)
    assert re.search(r"^\s*resolver 127\.0\.0\.11\b", upstream, re.M)
    servers = re.findall(r"^\s*server (\S+) ([^;]*);", upstream, re.M)
    assert servers and all("resolve" in options.split() for _, options in servers)
    version = tuple(int(n) for n in re.match(r"nginx:(\d+)\.(\d+)(?:\.(\d+))?", nginx_service["image"]).groups("0"))
    assert version >= (1, 27, 3), nginx_service["image"]


@pytest.mark.skipif(not (Path(local_stack.NGINX).exists() and Path(local_stack.OPENSSL).exists()),
                    reason="needs Debian's nginx and openssl (apt-get install nginx openssl)")
def test_nginx_accepts_its_file_as_the_tests_run_it_over_http_and_over_https(tmp_path):
    template = (DEPLOY / "nginx.conf").read_text()
    for tls_port in (None, local_stack.free_port()):
        folder = tmp_path / ("https" if tls_port else "http")
        if tls_port:
            local_stack.self_signed_certificate(folder)
        folder.mkdir(exist_ok=True)
        config = local_stack.nginx_config(template, ["127.0.0.1:7861", "127.0.0.1:7862"], local_stack.free_port(),
                                          folder, tls_port)
        code = "\n".join(line.split("#", 1)[0] for line in config.splitlines())
        assert " resolve" not in code and "resolver" not in code and "zone studios" in code
        assert ("ssl_certificate " in code) == bool(tls_port) and ("return 301" in code) == bool(tls_port)
        (folder / "nginx.conf").write_text(config)
        checked = subprocess.run([local_stack.NGINX, "-t", "-c", str(folder / "nginx.conf"), "-p", str(folder),
                                  "-e", str(folder / "error.log")], capture_output=True, text=True, timeout=30)
        assert checked.returncode == 0, checked.stderr
