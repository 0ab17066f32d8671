from conftest import TODAY


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
