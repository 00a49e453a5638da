"""helpgen: a localized, personalized static help-center generator."""
