/// The dashboard's HTML shell; `app.js` renders every page into `<main>` by the URL hash.
enum DashboardPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Descent dashboard</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <span class="brand">Descent</span>
  <nav aria-label="Pages">
    <a href="#/experiments">Experiments</a>
    <a href="#/compare">Compare</a>
    <a href="#/new">New experiment</a>
    <a href="#/analysis">Analysis</a>
  </nav>
</header>
<main id="main" tabindex="-1" aria-live="polite"><p>Loading…</p></main>
<pre id="errors" role="alert" hidden></pre>
<noscript><p>The dashboard needs JavaScript. The JSON API and <code>/v1/experiments/{id}/plot.svg</code> work without it.</p></noscript>
</body>
</html>
"""#
}
