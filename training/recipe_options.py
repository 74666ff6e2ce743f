"""``python -m training train``'s options -> its :class:`~training.recipe.Recipe`, checked before any data is loaded."""

from __future__ import annotations

import argparse

from mnist_desk.model import ModelConfig, build_model
from training.recipe import Recipe, recipe_for


def recipe_from_args(args: argparse.Namespace) -> Recipe:
    """The run's recipe from its options, checked before any data is loaded: a run whose
    network cannot be built or whose last stage cannot run had trained every epoch first."""
    recipe = recipe_for(
        args.arch,
        channels=tuple(args.channels) if args.channels else None,
        epochs=1 if args.dry_run else args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        drawn=0 if args.dry_run else args.drawn,
        pen_renders=0 if args.dry_run else args.pen_renders,
        pen_variety=args.pen_variety,
        additions_per_epoch=args.additions_per_epoch,
        pen_weight=args.pen_weight,
        negatives=0 if args.dry_run else args.negatives,
        pairs=0 if args.dry_run else args.pairs,
        turned=0 if args.dry_run else args.turned,
        straddles=0 if args.dry_run else args.straddles,
        overlays=0 if args.dry_run else args.overlays,
        glyph_negatives=args.glyph_negatives,
        outlier_weight=args.outlier_weight,
        energy_weight=args.energy_weight,
        tail_steps=args.tail_steps,
        seed=args.seed,
    )
    try:
        build_model(ModelConfig(recipe.arch, tuple(recipe.channels)))
    except ValueError as exc:
        raise ValueError(f"--arch {recipe.arch} --channels {' '.join(map(str, recipe.channels))}: {exc}") from None
    if recipe.tail_steps and not args.dry_run and not recipe.pen_renders:
        raise ValueError(
            f"the last stage (--tail-steps, {recipe.tail_steps} for this recipe) refits with the pen digits: "
            "give --pen-renders 1 or more, or --tail-steps 0"
        )
    return recipe


__all__ = ["recipe_from_args"]
