"""PKG012, PKG013: Service Catalog product templates the package's templates reference.

cfct_backup.service_catalog is the one place that knows the convention publish uploads by: each
product template a deployed template references must exist under templates/ (PKG012); a product
URL outside the convention is neither uploaded by publish nor checked (PKG013).
"""

from __future__ import annotations

from cfct_backup.problems import Problem
from cfct_backup.service_catalog import KEY_PREFIX
from cfct_backup.validate.context import Context
from cfct_backup.validate.registry import Rule


class ProductTemplates(Rule):
    id = "PKG012"
    codes = ("PKG013",)
    severity = "error/warning"
    shortdesc = "a product template that does not exist (012, error) or a URL publish does not upload (013)"
    source_url = "docs/delivery.md"
    tags = ("package", "servicecatalog")

    def check(self, context: Context) -> list[Problem]:
        problems = []
        for ref in context.products:
            source = ref.source
            if source is None:
                problems.append(
                    Problem(
                        ref.template,
                        ref.line,
                        "warning",
                        "PKG013",
                        f"{ref.resource}: product template URL"
                        f" {ref.url or '(not a string, Fn::Sub or Fn::Join)'}"
                        f" is not {KEY_PREFIX}<name> in an S3 bucket: publish does not upload it,"
                        " validate does not check it",
                    )
                )
            elif not (context.root / source).is_file():
                problems.append(
                    Problem(
                        ref.template,
                        ref.line,
                        "error",
                        "PKG012",
                        f"{ref.resource}: product template {ref.key} is published from {source},"
                        " which does not exist",
                    )
                )
        return problems
