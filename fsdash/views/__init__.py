"""Display-ready views built from the measures, one module per page: what a page draws, worked
out once per view (and cached by ``fsdash.ui``) so that a page rerun only draws."""
