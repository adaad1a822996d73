// fsdash: the cards' small trend charts are decoration beside the figure and its change; the
// same trends are in the table under the cards. Hide the charts from screen readers, which
// would otherwise meet an unlabelled image (axe: svg-img-alt).
(() => {
  const hide = () => document.querySelectorAll('[data-testid="stMetric"] svg').forEach(svg => {
    if (svg.getAttribute("aria-hidden") !== "true") {
      svg.setAttribute("aria-hidden", "true");
      svg.removeAttribute("role");
    }
  });
  hide();
  new MutationObserver(hide).observe(document.body, {childList: true, subtree: true});
})();
