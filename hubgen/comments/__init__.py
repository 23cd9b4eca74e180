"""Comment embeds: the providers, their settings, and which page gets which."""

from hubgen.comments.providers import PROVIDERS, Provider
from hubgen.comments.settings import PageComments, SiteComments, plan_comments, read_site_comments

__all__ = ["PROVIDERS", "PageComments", "Provider", "SiteComments", "plan_comments",
           "read_site_comments"]
