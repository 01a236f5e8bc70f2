//! Evidence gathering and the decision tree after something breaks.
