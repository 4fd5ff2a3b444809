// dateline serve: reloads the page after a rebuild, reloads stylesheets alone when only
// they changed, and shows build errors over the page until they are fixed.
(() => {
  const OVERLAY = "dateline-error-overlay";
  const show = (problems) => {
    let box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
        "margin:0;padding:1rem 1.25rem;background:#1b1b1b;color:#f5f5f5;border-top:4px solid #e5484d;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;box-shadow:0 -4px 24px rgba(0,0,0,.4)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    const head = document.createElement("strong");
    head.textContent = "dateline: the last edit does not build. This page shows the last good build.";
    head.style.cssText = "display:block;margin-bottom:.5rem;color:#ff8b8b";
    box.appendChild(head);
    for (const line of problems) {
      const pre = document.createElement("pre");
      pre.style.cssText = "margin:.25rem 0;white-space:pre-wrap";
      pre.textContent = line;
      box.appendChild(pre);
    }
  };
  const hide = () => document.getElementById(OVERLAY)?.remove();
  const events = new EventSource("/__dateline/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", () => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("dateline-reload", Date.now());
      link.href = url.toString();
    }
  });
  events.addEventListener("error", (e) => { if (e.data) show(JSON.parse(e.data)); });
  events.addEventListener("ok", hide);
})();
