"""Bottom layer: errors (one located-problem type), the typed workbook model, messages and
formatting (i18n), and the one parser per kind of user value (``parse``). Imports nothing above."""
