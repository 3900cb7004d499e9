// Dashboard assets and SVG plots.
