"""The offline ImageNet backbone bundle (torchvision's MobileNetV2, converted for DeepDream)."""

NAME = "backbone_mobilenet_v2"
