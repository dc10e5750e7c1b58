"""Web pages by area; each module has its own router, joined in legeplan.web.app."""
