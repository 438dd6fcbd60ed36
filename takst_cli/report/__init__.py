"""Results → report tables, one module per topic (core: prices, tariffs, r, quality,
assumptions; funding; followup; cycle; free_choice; workbook: the sheets as a model)."""
