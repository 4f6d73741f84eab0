"""A copy button beside every link to a result: the page script that adds it.

``exports.line_of`` writes a relative link (``?r=...``) under each result. The browser completes it
with the address it is using (a share link, a LAN address, localhost), so the button copies
``a.href`` rather than anything the server could know. It also shows the address in a small
read-only field, selected, because the clipboard is only open to pages served over HTTPS or from
localhost: on a LAN address the student presses Ctrl+C.

The script watches the page for new results, at most four times a second: a page of a class's
browsers should not pay for a scan on every one of Gradio's DOM changes.
"""

SCRIPT = """<script>
(() => {
  const add = () => {
    scheduled = false;
    document.querySelectorAll('a[href^="?r="]:not([data-studio-link])').forEach((a) => {
      a.dataset.studioLink = '1';
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'studio-copy-link';
      button.textContent = '📋 복사 · copy';
      const address = document.createElement('input');
      address.readOnly = true;
      address.className = 'studio-link-address';
      address.hidden = true;
      button.addEventListener('click', async (event) => {
        event.preventDefault();
        address.value = a.href;
        address.hidden = false;
        address.select();
        try {
          await navigator.clipboard.writeText(a.href);
          button.textContent = '✔ 복사됨 · copied';
        } catch (error) {  // no clipboard on plain http: the address is selected for Ctrl+C
          button.textContent = 'Ctrl+C';
        }
      });
      a.after(' ', button, address);
    });
  };
  let scheduled = false;
  new MutationObserver(() => {
    if (!scheduled) { scheduled = true; setTimeout(add, 250); }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
</script>"""
