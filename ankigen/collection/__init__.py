"""The only door to a learner's Anki collection: ``plan`` shows what importing a build
will do to it, ``apply`` does that and what the importer cannot. Nothing else imports
this package, and it imports ``anki`` only inside functions, so ``build`` and
``--help`` never load Anki."""
