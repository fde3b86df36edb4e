"""The steering group's report: ``jobs`` plans the PDFs, ``context`` computes what they show,
``overview``/``funding``/``evidence`` render the sections as HTML (with ``markup``), and
``pipeline`` runs ``report.ipynb`` (in this package) with papermill, nbconvert and WeasyPrint."""
