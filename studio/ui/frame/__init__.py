"""The page's frame: its web server middleware (forwarded headers, the shared answer cache, Gradio's fixes and
speed-ups, the early script), the page-load results and the input guards every tab gets."""
