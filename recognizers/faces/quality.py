"""Face quality from what the detector and the aligned crop tell: size, sharpness, pose.

- size: face width estimated as twice the inter-ocular distance, in pixels of the full frame;
- sharpness: variance of the Laplacian of the aligned 112x112 grey crop (a small face upscaled into
  the crop is soft, so sharpness also reflects resolution);
- pose: yaw, pitch and roll estimated from the five landmarks with a simple head model (eyes, nose tip
  in front of them, mouth below); roll is undone by the alignment, yaw and pitch are not.

The combined score is sqrt(f_size) * sqrt(f_sharp) * f_pose, each factor in [0, 1]. Calibrated on
LFW photos (see the README): native LFW faces score about 0.8, the same faces shrunk to 30 px about
0.45, the native faces blurred with a Gaussian of sigma 3 about 0.15.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from shared.schemas import FaceQuality

# size factor ramps from SIZE_ZERO px (0) to SIZE_FULL px (1) of estimated face width
SIZE_ZERO, SIZE_FULL = 8.0, 40.0
# sharpness factor ramps from SHARP_ZERO (0) to SHARP_FULL (1) of Laplacian variance
SHARP_ZERO, SHARP_FULL = 8.0, 80.0
# pose: yaw / pitch at which the pose factor reaches zero
YAW_ZERO, PITCH_ZERO = 75.0, 60.0
# head model, in units of the inter-ocular distance: depth of the nose tip in front of the eyes, and
# the frontal nose height between the eye line (0) and the mouth line (1) on the ArcFace template
NOSE_DEPTH, NOSE_T_FRONTAL, EYE_MOUTH = 0.55, 0.494, 1.155


def estimate_pose(landmarks: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees; yaw > 0: face turned to the image right; pitch > 0: looking up."""
    p = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    eye_r, eye_l = p[0], p[1]
    d = eye_l - eye_r
    roll = math.degrees(math.atan2(d[1], d[0]))
    iod = float(np.hypot(*d))
    if iod < 1e-6:
        return 0.0, 0.0, roll
    c, s = math.cos(-math.radians(roll)), math.sin(-math.radians(roll))
    rot = np.array([[c, -s], [s, c]])
    eye_mid = (eye_r + eye_l) / 2
    q = (p - eye_mid) @ rot.T / iod  # de-rolled, eye midpoint at 0, inter-ocular distance 1
    nose_q, mouth_y = q[2], (q[3, 1] + q[4, 1]) / 2
    yaw = math.degrees(math.atan2(nose_q[0], NOSE_DEPTH))
    # pitch: where the nose sits between eye line and mouth line, against the frontal ratio
    span = mouth_y if mouth_y > 1e-6 else EYE_MOUTH
    t = nose_q[1] / span
    pitch = math.degrees(math.atan((NOSE_T_FRONTAL - t) * EYE_MOUTH / NOSE_DEPTH))
    return yaw, pitch, roll


def sharpness(aligned_bgr: np.ndarray) -> float:
    """Variance of the Laplacian over the central part of the aligned crop (background excluded)."""
    grey = cv2.cvtColor(aligned_bgr, cv2.COLOR_BGR2GRAY) if aligned_bgr.ndim == 3 else aligned_bgr
    centre = grey[24:104, 20:92]
    return float(cv2.Laplacian(centre, cv2.CV_64F).var())


def face_size_px(landmarks: np.ndarray) -> float:
    p = np.asarray(landmarks, dtype=np.float64).reshape(5, 2)
    return 2.0 * float(np.hypot(*(p[1] - p[0])))


def score(size_px: float, sharp: float, yaw: float, pitch: float) -> float:
    f_size = min(1.0, max(0.0, (size_px - SIZE_ZERO) / (SIZE_FULL - SIZE_ZERO)))
    f_sharp = min(1.0, max(0.0, (sharp - SHARP_ZERO) / (SHARP_FULL - SHARP_ZERO)))
    f_pose = max(0.0, 1.0 - (abs(yaw) / YAW_ZERO) ** 2) * max(0.0, 1.0 - (abs(pitch) / PITCH_ZERO) ** 2)
    return float(math.sqrt(f_size) * math.sqrt(f_sharp) * f_pose)


def assess(landmarks: np.ndarray, aligned_bgr: np.ndarray) -> FaceQuality:
    size_px = face_size_px(landmarks)
    sharp = sharpness(aligned_bgr)
    yaw, pitch, roll = estimate_pose(landmarks)
    return FaceQuality(
        score=round(score(size_px, sharp, yaw, pitch), 4),
        size_px=round(size_px, 2),
        sharpness=round(sharp, 2),
        yaw_deg=round(yaw, 2),
        pitch_deg=round(pitch, 2),
        roll_deg=round(roll, 2),
    )
