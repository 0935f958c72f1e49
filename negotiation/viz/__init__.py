"""Every figure of the engine: game trees, timelines, scenario and tournament plots, and the web page."""
