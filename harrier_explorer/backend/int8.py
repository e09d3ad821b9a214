"""int8 linear layers for CPU inference: weights per output channel, activations per token, int32 accumulation.

torch's own ``quantize_dynamic`` scales a whole batch's activations by one number. Gemma-family decoders carry a
few tokens with huge activations (the first token above all), so that one scale crushes every other token: on
EmbeddingGemma-300M it gave a median cosine to fp32 of 0.92 and changed 31 % of nearest neighbours on 300 mixed texts.
Scaling each token on its own (the "W8A8 per-token" scheme) keeps the median cosine at 0.998 for the same 2× speed
on an AVX-512-VNNI CPU. The matrix product is ``torch._int_mm`` (oneDNN / VNNI on x86), so nothing beyond torch.

Before quantising, each MLP's ``down_proj`` input is smoothed (SmoothQuant, α = 0.5): a per-channel factor moves
outliers from the activations into the weights, folded exactly into ``up_proj`` (``down(act(gate(x)) · up(x))`` is
unchanged in exact arithmetic). The factors come from a fixed calibration set, so the result is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

#: Version of the scheme, part of the cache fingerprint: vectors of another scheme never share cache entries.
SCHEME = "int8-w8a8-pertoken-smooth-v1"


class Int8Linear(nn.Module):
    """``y = x Wᵀ + b`` with W int8 per output row and x int8 per token, accumulated in int32."""

    def __init__(self, linear: nn.Linear):
        super().__init__()
        weight = linear.weight.detach().float()
        scale = weight.abs().amax(dim=1).clamp_min(1e-12) / 127
        self.in_features, self.out_features = linear.in_features, linear.out_features
        self.register_buffer("weight_int8", torch.round(weight / scale[:, None]).to(torch.int8))
        self.register_buffer("weight_scale", scale)
        self.register_buffer("bias", None if linear.bias is None else linear.bias.detach().float())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape, dtype = x.shape, x.dtype
        rows = x.reshape(-1, self.in_features).float()
        scale = rows.abs().amax(dim=1, keepdim=True).clamp_min(1e-12) / 127
        q = torch.round(rows / scale).to(torch.int8)
        y = torch._int_mm(q, self.weight_int8.t()).float().mul_(scale).mul_(self.weight_scale)
        if self.bias is not None:
            y.add_(self.bias)
        return y.reshape(*shape[:-1], self.out_features).to(dtype)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, int8 per-token"


def _mlps(model: nn.Module) -> list[nn.Module]:
    return [m for m in model.modules() if all(isinstance(getattr(m, n, None), nn.Linear)
                                              for n in ("gate_proj", "up_proj", "down_proj"))]


@torch.inference_mode()
def smooth_mlps(model: nn.Module, calibrate: Callable[[], None], alpha: float = 0.5) -> int:
    """Fold SmoothQuant factors into every gated MLP (``up_proj`` rows ÷ s, ``down_proj`` columns × s), with
    s = max|input|^α / max|weight|^(1-α) per channel measured while ``calibrate()`` runs the model. Returns how many
    MLPs were smoothed."""
    mlps = _mlps(model)
    peaks: dict[nn.Module, torch.Tensor] = {}
    hooks = []
    for mlp in mlps:
        def record(module, args, mlp=mlp):
            peak = args[0].detach().abs().reshape(-1, args[0].shape[-1]).amax(dim=0).float()
            peaks[mlp] = torch.maximum(peaks[mlp], peak) if mlp in peaks else peak
        hooks.append(mlp.down_proj.register_forward_pre_hook(record))
    try:
        calibrate()
    finally:
        for hook in hooks:
            hook.remove()
    for mlp in mlps:
        if mlp not in peaks:
            continue
        down, up = mlp.down_proj, mlp.up_proj
        w_peak = down.weight.abs().amax(dim=0).float().clamp_min(1e-5)
        s = (peaks[mlp].clamp_min(1e-5).pow(alpha) / w_peak.pow(1 - alpha)).clamp(1e-2, 1e4)
        down.weight.mul_(s.to(down.weight.dtype)[None, :])
        up.weight.div_(s.to(up.weight.dtype)[:, None])
        if up.bias is not None:
            up.bias.div_(s.to(up.bias.dtype))
    return len(peaks)


def quantise_linears(model: nn.Module) -> int:
    """Replace every ``nn.Linear`` in ``model`` by an ``Int8Linear`` in place; returns how many."""
    count = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, nn.Linear):
                setattr(parent, name, Int8Linear(child))
                count += 1
    return count
