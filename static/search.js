// The search page's script: filled in by the theme's search front end.
