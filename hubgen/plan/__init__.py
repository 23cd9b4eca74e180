"""Planning: the Library becomes the list of routes (the site map)."""

from hubgen.plan.planner import plan_site
from hubgen.plan.routes import Route, SitePlan
from hubgen.plan.urls import Urls

__all__ = ["Route", "SitePlan", "Urls", "plan_site"]
