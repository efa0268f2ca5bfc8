def test_help_lists_commands(cli):
    result = cli("--help")
    assert result.code == 0
    for command in ("demo", "events", "projects", "followups", "report", "db", "backup"):
        assert command in result.out
