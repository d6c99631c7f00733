"""The one view of debt pages, for revenues officers and a partner's income officers."""
