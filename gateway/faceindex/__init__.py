"""Face templates behind one ``FaceIndex`` interface: Qdrant Edge embedded, or a Qdrant server."""

from gateway.faceindex.base import FaceHit, FaceIndex, FaceIndexError, FaceIndexLocked, FacePoint
from gateway.faceindex.factory import make_face_index

__all__ = ["FaceHit", "FaceIndex", "FaceIndexError", "FaceIndexLocked", "FacePoint", "make_face_index"]
