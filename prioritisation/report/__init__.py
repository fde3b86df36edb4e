"""The steering group's report: papermill runs ``report.ipynb`` (in this package), nbconvert
makes HTML, WeasyPrint the PDF; ``sections`` renders each part."""
