from olymp_cli.main import cli

cli()
