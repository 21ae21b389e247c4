"""Static files with content hashes in their names (cached for a year), gzip copies beside them.

``collectstatic`` writes them to STATIC_ROOT; ``make run`` and the test suite run it. ES module
imports between our scripts (``import ... from "./time.js"``) are rewritten to the hashed names too.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True

    def create_compressor(self, **kwargs):
        # gzip only: Brotli at its highest level took ~30 s for the API docs' and admin's scripts on
        # every collectstatic; gzip -9 costs ~1 s and every browser takes it.
        return super().create_compressor(use_brotli=False, **kwargs)
