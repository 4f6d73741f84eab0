"""What the tabs are built with: their context, the result exports and links, errors, words, the class's side,
session jobs and readouts. A technique's tab imports from here (and the panels it embeds)."""
