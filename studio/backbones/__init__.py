"""The pretrained image networks DeepDream and style transfer look through: the networks
(``networks``), their shipped bundle (``presets``) and the recipe that converts it (``recipe``)."""
