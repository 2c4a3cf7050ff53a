"""Face recognizer: detect (YuNet or SCRFD), align to 112x112, score quality, embed (SFace or ArcFace).

Import is cheap: nothing loads until :meth:`FaceRecognizer.load`.
"""

from recognizers.faces.base import PackError
from recognizers.faces.recognizer import FaceRecognizer
from recognizers.faces.settings import FaceSettings

__all__ = ["FaceRecognizer", "FaceSettings", "PackError"]
