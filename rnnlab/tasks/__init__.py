"""Tasks: what to learn (data, model, loss, metrics); the train loop is generic.

Writing a task
==============

A task is a module that subclasses :class:`Task`, sets ``name`` and registers with
``@register_task``. ``config.task`` selects it; ``train_and_evaluate`` calls it as follows.

1. **Config** -- ``default_config()`` returns the ``data`` and ``model`` sections with
   every key the task accepts and its default (``base_config(name)`` merges them with the
   generic ``optimizer`` and ``train`` sections). ``config_choices()`` lists keys with a
   closed set of values (``{"model.cell": (...)}``) and ``validate_config(config)`` checks
   ranges; both run before anything is compiled. A task adds keys inside ``data`` and
   ``model``, never new top-level sections.
2. **Data** -- ``train_iterator(config, batch_size=, shard_index=, shard_count=)`` returns
   an infinite :class:`DataIterator`: ``next()`` gives a dict of NumPy arrays ``[B, ...]``
   and ``get_state()``/``set_state()`` save and restore its position as a small JSON dict
   (checkpointed with the parameters, so a resumed run sees exactly the same batches).
   :class:`IndexedBatchIterator` turns any deterministic ``position -> batch`` function
   into one. ``eval_batches(config, batch_size=)`` is the finite validation set.
   ``steps_per_epoch(config)`` (0 if no epochs) feeds the ``step_decay`` schedule.
3. **Model** -- ``build_model(config)`` returns a Flax Linen module (built from
   ``rnnlab.nn`` with ``config.model.cell``); ``init_params(model, config, batch, key=)``
   returns its parameters.
4. **Loss** -- ``loss(model, params, batch, carry, key=, train=)`` returns
   ``(loss, (metrics, new_carry))``; runs inside the jitted train step. ``key`` is already
   unique to the step.
5. **Carry** (optional) -- ``initial_carry(config, batch_size=)`` returns a pytree that
   lives in the train state, is checkpointed, and is passed from one batch's ``loss`` to
   the next. Language modelling with truncated BPTT keeps the last hidden states here
   (``jax.lax.stop_gradient`` them in ``loss``); tasks without state return None.
6. **Eval** -- ``eval_step(model, params, batch, carry)`` returns
   ``({name: (total, count)}, new_carry)``; the loop sums over the validation set and
   reports ``total / count`` (per example, per token or per frame, as the task chooses);
   ``finalize_eval_metrics`` derives more (perplexity = exp(loss), BLEU from counts).
7. **Workdir** (optional) -- ``prepare_workdir(config, workdir)`` runs before anything is
   written in the run dir: the language model saves ``vocab.json`` there, and refuses
   (ValueError) a run dir whose vocabulary differs, so nothing is overwritten.
8. **Report** (optional) -- ``final_report(config, model, params, workdir)`` runs once at
   the end: test-split evaluation, samples or decoded outputs written to ``workdir``; its
   metrics go to ``final_metrics.json`` and ``metrics.jsonl`` (split ``final``).

How later tasks map on it: *language modelling* -- the iterator cuts a token stream into
``[B, T]`` windows (TBPTT), the carry holds the recurrent state; *translation* -- batches
hold padded source/target ids and lengths, ``final_report`` beam-decodes the test split and
scores BLEU; *CTC speech* -- frames + lengths + labels, ``eval_step`` returns edit-distance
totals so CER/WER are exact corpus rates; *sequential digits* -- pixels as a sequence,
accuracy as ``(correct, count)``.

Register a built-in task by adding its module to ``registry.BUILTIN_TASK_MODULES``; a
task outside the package registers when imported (its config file imports it).
"""
from rnnlab.tasks.task import (Batch, DataIterator, EvalSums, IndexedBatchIterator, Metrics,
                               Task)
from rnnlab.tasks.registry import (BUILTIN_TASK_MODULES, get_task, register_task,
                                   task_names)
