from conftest import REPO, TODAY


def test_first_session(cli, env):
    cli("add", "Priya Raman", "--company", "Northwind", "--tag", "work")
    cli("add", "Sam Lee")
    cli("give", "pri", "intro to Sam", "--intro", "sam")
    r = cli("ask", "pri", "a referral")
    ask_id = r.stdout.strip()
    assert ask_id.isdigit()
    cli("resolve", ask_id, "helped")
    r = cli("show", "pri", "--json")
    import json

    data = json.loads(r.stdout)
    assert data["totals"]["given"] == 1 and data["totals"]["received"] == 1
    assert data["last_given"] == TODAY


def _readme_block(heading: str) -> str:
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    return readme.split(heading, 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]


def test_the_readme_first_session_runs_as_printed(env):
    """Each line of README's "A first session", pasted into a shell as a new user would."""
    import json
    import shlex

    from conftest import run_netlog

    lines = [line for line in _readme_block("## A first session").splitlines() if line.strip()]
    assert len(lines) >= 6 and [shlex.split(line, comments=True)[1] for line in lines] == ["add", "add", "give", "ask", "resolve", "show"]
    outputs = []
    for line in lines:
        args = shlex.split(line, comments=True)
        assert args[0] == "netlog"
        r = run_netlog(*args[1:], env=env.env)
        assert r.returncode == 0, (line, r.stderr)
        outputs.append(r)
    assert outputs[3].stdout.strip() == "2"  # the ask's id, as the README says
    sam = json.loads(run_netlog("show", "sam", "--json", env=env.env).stdout)
    assert (sam["totals"]["given"], sam["totals"]["received"], sam["totals"]["helped"]) == (1, 1, 1)
    assert "Sam Lee" in outputs[-1].stdout


def test_the_readme_set_up_commands_are_the_ones_ci_runs():
    """README's two set-up commands: one installs and makes a first entry, the other
    is exactly the test command in .ci/run."""
    from pathlib import Path

    root = Path(__file__).parent.parent
    install = _readme_block("Install netlog and make a first entry").strip()
    tests = _readme_block("Install the test extra and run the tests").strip()
    assert install.count("\n") == 0 and "pip install" in install and "netlog add " in install and "netlog show " in install
    assert tests.count("\n") == 0 and "pytest" in tests
    ci = [line for line in (root / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-1] == tests


def test_every_test_readme_names_as_proof_exists():
    """README's promises name the tests that prove them: each must be there."""
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(?:tests/\w+\.py::)?(test_\w+)`", readme))
    defined = {m for p in (REPO / "tests").glob("test_*.py") for m in re.findall(r"^def (test_\w+)", p.read_text(encoding="utf-8"), re.M)}
    assert len(named) > 40
    assert sorted(named - defined) == []
