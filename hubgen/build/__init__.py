"""Building: the pipeline in order, the output folder, and the report."""

from hubgen.build.pipeline import BuildOptions, BuildResult, build_site

__all__ = ["BuildOptions", "BuildResult", "build_site"]
