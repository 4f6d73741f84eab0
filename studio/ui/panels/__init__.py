"""The panels the frame shows around the tabs: the class (the lecturer's panel and the students' following), the
lecture plan, the recipe panel and the training panel a tab embeds."""
