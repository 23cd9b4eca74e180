"""Publishing: ship the built site to a git branch, an rsync destination, or a host's folder."""

from hubgen.publish.run import PublishReport, choose_target, publish
from hubgen.publish.targets import Target, read_targets
from hubgen.publish.tools import PublishError

__all__ = ["PublishError", "PublishReport", "Target", "choose_target", "publish", "read_targets"]
