"""Importing conversations: a platform's JSON export becomes content/threads/SLUG.yaml.

One module per platform (mastodon, bluesky, reddit, hackernews, discourse) reads its
export into an `ImportedThread`; the shared modules read JSON with paths
(json_export), turn platform HTML into the thread Markdown subset (html_markdown,
markdown_subset), match and append people (people_file), write and merge the thread file
(thread_yaml, merging, staged_file) and fetch from public APIs (fetching). `pipeline` runs
them in order. Importers sit at the top layer, beside serve: nothing below imports them.
"""

from hubgen.importers.pipeline import ImportOptions, ImportReport, import_thread, report_lines
from hubgen.importers.platforms import PLATFORM_NAMES

__all__ = ["PLATFORM_NAMES", "ImportOptions", "ImportReport", "import_thread", "report_lines"]
