"""The container image and the compose file, read as files (this machine has no Docker daemon and no
registry to pull base images from): what each promises holds in its text, and the command it runs is
one the studio's command line accepts."""

import shlex

import yaml

from conftest import ROOT

DEPLOY = ROOT / "deploy"


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


def test_compose_runs_studios_that_share_a_class_behind_nginx_with_training_in_one_place():
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
        args = cli.parse_args(entry + services[name]["command"])  # a command the studio accepts
        assert args.start_class and args.class_store.startswith("redis://") and args.no_training
    nginx = (DEPLOY / "nginx.conf").read_text()
    for name in studios:  # every studio is behind nginx
        assert f"server {name}:7860" in nginx
    assert "hash $studio_route consistent" in nginx and "proxy_buffering off" in nginx
    assert "--appendonly" in shlex.join(services["redis"]["command"])
    assert services["trainer"]["entrypoint"] == ["python", "-m", "studio.train"]
