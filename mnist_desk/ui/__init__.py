"""Everything Qt. Widgets receive numpy arrays and dataclasses; none calls torch."""
