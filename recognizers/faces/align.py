"""Five-point alignment to the standard 112x112 ArcFace template.

This replaces ``insightface.utils.face_align.norm_crop`` (Varta does not depend on the ``insightface``
package: it declares the GUI ``opencv-python`` and needs a compiler). The similarity transform is the
least-squares Umeyama estimate, the same estimate ``skimage.transform.SimilarityTransform`` makes.
"""

from __future__ import annotations

import cv2
import numpy as np

# right eye, left eye (of the person: image left, image right), nose tip, right and left mouth corner
ARCFACE_TEMPLATE = np.array(
    [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]],
    dtype=np.float64,
)
CROP_SIZE = 112


def umeyama(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """2x3 similarity (rotation, uniform scale, translation) mapping ``src`` onto ``dst`` (least squares)."""
    src = np.asarray(src, dtype=np.float64)
    dst = np.asarray(dst, dtype=np.float64)
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    s_c, d_c = src - mu_s, dst - mu_d
    cov = d_c.T @ s_c / len(src)
    u, sig, vt = np.linalg.svd(cov)
    d = np.ones(2)
    if np.linalg.det(u) * np.linalg.det(vt) < 0:
        d[-1] = -1.0
    rot = u @ np.diag(d) @ vt
    var_s = (s_c**2).sum() / len(src)
    scale = float((sig * d).sum() / var_s) if var_s > 0 else 1.0
    m = np.zeros((2, 3))
    m[:, :2] = scale * rot
    m[:, 2] = mu_d - scale * rot @ mu_s
    return m


def align_matrix(landmarks: np.ndarray) -> np.ndarray:
    """Transform from image coordinates into the 112x112 template."""
    return umeyama(np.asarray(landmarks, dtype=np.float64).reshape(5, 2), ARCFACE_TEMPLATE)


def norm_crop(image_bgr: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The aligned 112x112 BGR face crop for five landmarks in image coordinates."""
    m = align_matrix(landmarks)
    return cv2.warpAffine(image_bgr, m, (CROP_SIZE, CROP_SIZE), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
