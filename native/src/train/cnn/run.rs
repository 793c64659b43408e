//! The training loop: Adam or AdamW on the MSE of the log10 targets (of their training-split
//! z-scores with `standardise`), the learning rate set per step by the schedule, one shuffled
//! pass over the training split per epoch (seeded ChaCha8 stream), validation after each
//! epoch in eval mode,
//! the best epoch's model kept, a checkpoint every epoch, and the test-split evaluation of the
//! best model at the end.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use burn::module::Module;
use burn::optim::{AdamConfig, AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::store::ModuleRecord;
use burn::tensor::Device;
use galmass_core::cnn::{BranchSpec, CnnConfig, MultiBranchResNet, Standard};
use indicatif::{ProgressBar, ProgressStyle};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::checkpoint::{
    self, Curves, PartialEpoch, RunState, model_path, optim_path, partial_model_path,
    partial_optim_path,
};
use super::metrics::{
    CurvesOut, Metrics, residual, write_curves, write_metrics, write_predictions,
};
use super::options::{OptimizerChoice, TrainCnnOptions};
use crate::BadInput;
use crate::cnn::data::CnnData;
use crate::cnn::device::{Chosen, choose};
use crate::cnn::infer::{BEST_MODEL, MODEL_JSON, ModelDesc, load_record, predict, to_tensors};
use crate::cnn::prefetch::Prefetcher;
use crate::figures;
use crate::stop::Stopped;
use crate::train::gbdt::target_label;

/// Adam's ε: PyTorch's default (Burn's default is 1e-5).
pub const ADAM_EPSILON: f32 = 1e-8;
/// Hidden units of the hybrid model's MLP head.
pub const HYBRID_HEAD: usize = 64;
/// Offset mixed into the seed for the shuffling stream (the weights use the seed itself).
const SHUFFLE_STREAM: u64 = 0x5348_5546_464c_4531;

fn bar(n: u64, what: String) -> ProgressBar {
    let pb = ProgressBar::new(n);
    let style = ProgressStyle::with_template(
        "{msg} [{elapsed_precise}] {wide_bar} {pos}/{len} samples ({per_sec}, eta {eta})",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_message(what);
    pb
}

/// Checks that a checkpoint belongs to the run asked for (same network, targets, data
/// handling); only `--epochs` may change.
fn check_resume(state: &RunState, fresh: &RunState) -> Result<()> {
    let same = state.config == fresh.config
        && state.targets == fresh.targets
        && state.norm == fresh.norm
        && state.image_size == fresh.image_size
        && state.batch == fresh.batch
        && state.seed == fresh.seed
        && state.schedule == fresh.schedule
        && state.lr == fresh.lr
        && state.augment == fresh.augment
        && state.optimizer == fresh.optimizer
        && state.weight_decay == fresh.weight_decay
        && state.standardise == fresh.standardise;
    if same {
        Ok(())
    } else {
        Err(BadInput(
            "--resume: the checkpoint was written by a run with other options (inputs, \
             targets, width, side input, norm, image size, batch, lr, schedule, seed, augment, \
             optimizer, weight decay or standardisation)"
                .to_string(),
        )
        .into())
    }
}

/// Refuses options no run can use (exit 2): target count, zero epochs or batch, a learning
/// rate or weight decay that is not a finite positive (non-negative) number.
fn check_options(opts: &TrainCnnOptions) -> Result<()> {
    if opts.targets.is_empty() || opts.targets.len() > 2 {
        return Err(BadInput("--targets: give 1 or 2 targets".to_string()).into());
    }
    if opts.epochs == 0 || opts.batch == 0 {
        return Err(BadInput("--epochs and --batch must be at least 1".to_string()).into());
    }
    if !(opts.lr.is_finite() && opts.lr > 0.0) {
        return Err(BadInput(format!("--lr must be > 0, got {}", opts.lr)).into());
    }
    if !(opts.weight_decay.is_finite() && opts.weight_decay >= 0.0) {
        return Err(BadInput(format!(
            "--weight-decay must be ≥ 0, got {}",
            opts.weight_decay
        ))
        .into());
    }
    Ok(())
}

/// The network `opts` asks for on `data`: one branch per input at the data's sizes, the side
/// input and target standardisation from the training split (when `standardise`), the hybrid
/// model's map scalars and MLP head (when `hybrid`).
fn network_config(opts: &TrainCnnOptions, data: &CnnData) -> Result<CnnConfig> {
    let train = &data.splits[0];
    let side_standard = (opts.standardise && opts.side_input)
        .then(|| Standard::of(train.iter().map(|&i| data.log_rhsm[i])));
    let target_standard: Vec<Standard> = if opts.standardise {
        data.targets
            .iter()
            .map(|col| Standard::of(train.iter().map(|&i| col[i])))
            .collect()
    } else {
        Vec::new()
    };
    Ok(CnnConfig {
        branches: opts
            .inputs
            .iter()
            .enumerate()
            .map(|(b, &input)| BranchSpec {
                input,
                size: data.branch_shape(b).1,
            })
            .collect(),
        width: opts.width,
        outputs: opts.targets.len(),
        side_input: opts.side_input,
        side_standard,
        target_standard,
        map_scalars: if opts.hybrid {
            data.map_scalar_standards()?
        } else {
            Vec::new()
        },
        head_hidden: if opts.hybrid { HYBRID_HEAD } else { 0 },
    })
}

/// Trains the CNN as `opts` says, writing into `opts.out`: `model.bpk` (best epoch),
/// `model.json`, `checkpoint.json` + records, `curves.csv` + `curves.png` (Fig. 5),
/// `test_predictions.csv`, `scatter_<target>.png`, `METRICS.json`. Returns the metrics.
pub fn train_cnn(opts: &TrainCnnOptions) -> Result<Metrics> {
    check_options(opts)?;
    let mut data = CnnData::open(&opts.data, &opts.inputs, &opts.targets, opts.image_size)?;
    let config = network_config(opts, &data)?;
    data.hybrid = config.is_hybrid();
    config
        .validate()
        .map_err(|e| BadInput(format!("network: {e}")))?;
    let Chosen { device, label } = choose(opts.device)?;
    std::fs::create_dir_all(&opts.out)
        .map_err(|e| BadInput(format!("--out {}: cannot create ({e})", opts.out.display())))?;
    let dir = opts.out.as_path();

    let previous = previous_state(opts, dir)?;
    match &previous {
        Some(s) => data.normalisation = s.normalisation.clone(),
        None => data.set_norm(opts.norm)?,
    }
    let data = Arc::new(data);
    let ad = device.clone().autodiff();
    let (mut state, mut model, mut optim) = start(opts, dir, &data, &config, previous, &ad)?;
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed ^ SHUFFLE_STREAM);
    rng.set_word_pos(state.rng_word_pos);

    let n_train = data.splits[0].len();
    let steps = n_train.div_ceil(opts.batch);
    let _armed = crate::stop::arm();
    for epoch in state.epochs_done..opts.epochs {
        let t0 = Instant::now();
        // Steps this epoch already did before a stop (a resumed partial epoch).
        let done = state.partial.take();
        let epoch_start_pos = rng.get_word_pos();
        let lr = opts.schedule.lr(opts.lr, epoch, opts.epochs, 0, steps);
        let mut order = data.splits[0].clone();
        order.shuffle(&mut rng);
        let batches: Vec<Vec<usize>> = order.chunks(opts.batch).map(<[usize]>::to_vec).collect();
        let ops = opts.augment.then(|| {
            batches
                .iter()
                .map(|b| b.iter().map(|_| rng.random_range(0..8u8)).collect())
                .collect()
        });
        let pb = bar(
            n_train as u64,
            format!("epoch {}/{} lr {lr:.2e}", epoch + 1, opts.epochs),
        );
        let skip = done.as_ref().map_or(0, |d| d.steps.min(batches.len()));
        pb.inc(batches[..skip].iter().map(Vec::len).sum::<usize>() as u64);
        let batches = batches[skip..].to_vec();
        let ops = ops.map(|o: Vec<Vec<u8>>| o[skip..].to_vec());
        let mut pf = Prefetcher::start(data.clone(), batches, ops);
        let mut loss_sum = done.as_ref().map_or(0.0, |d| d.loss_sum);
        let seconds_before = done.as_ref().map_or(0.0, |d| d.seconds);
        let mut step = skip;
        while let Some(b) = pf.next_batch() {
            let b = b?;
            let n = b.indices.len();
            let (maps, side, y) = to_tensors(&data, b, config.side_input, &ad);
            // The loss on the z-scores when the targets are standardised (each target weighs
            // the same); the curve records the MSE in dex² either way.
            let z = model.try_forward_standard(maps, side)?;
            let d = z.clone() - model.standardise_targets(y.clone());
            let loss = (d.clone() * d).mean();
            let dex = model.unstandardise(z.detach()) - y;
            let l: f32 = (dex.clone() * dex).mean().into_scalar();
            let grads = GradientsParams::from_grads(loss.backward(), &model);
            loss_sum += l as f64 * n as f64;
            let lr_step = opts.schedule.lr(opts.lr, epoch, opts.epochs, step, steps);
            model = optim.step(lr_step, model, grads);
            step += 1;
            pb.inc(n as u64);
            if crate::stop::requested() && step < steps {
                pb.finish_and_clear();
                drop(pf);
                return Err(stop_inside_epoch(
                    dir,
                    &mut state,
                    &model,
                    &optim,
                    epoch_start_pos,
                    PartialEpoch {
                        steps: step,
                        loss_sum,
                        seconds: seconds_before + t0.elapsed().as_secs_f64(),
                    },
                    opts.epochs,
                ));
            }
        }
        pb.finish_and_clear();
        let ended = EpochEnd {
            epoch: epoch + 1,
            train_loss: loss_sum / n_train as f64,
            lr,
            seconds: seconds_before + t0.elapsed().as_secs_f64(),
            rng_word_pos: rng.get_word_pos(),
        };
        end_epoch(
            dir, opts, &data, &device, &mut state, &model, &optim, &ended,
        )?;
    }

    finish(dir, opts, &data, &config, &state, &device, label)
}

/// The checkpoint to resume from: `None` without `--resume`; with it, a missing checkpoint
/// is bad input.
fn previous_state(opts: &TrainCnnOptions, dir: &Path) -> Result<Option<RunState>> {
    if !opts.resume {
        return Ok(None);
    }
    match checkpoint::load(dir)? {
        Some(s) => Ok(Some(s)),
        None => Err(BadInput(format!(
            "--resume: no {} in {}",
            checkpoint::CHECKPOINT_JSON,
            dir.display()
        ))
        .into()),
    }
}

/// The run's state, network and optimiser at its start: fresh (weights from the seed, the
/// output bias at the training targets' means without standardisation, `model.json`
/// written), or as the checkpoint `previous` left them (checked to be the same run).
fn start(
    opts: &TrainCnnOptions,
    dir: &Path,
    data: &CnnData,
    config: &CnnConfig,
    previous: Option<RunState>,
    ad: &Device,
) -> Result<(RunState, MultiBranchResNet, ModuleOptimizer)> {
    let state = RunState {
        config: config.clone(),
        targets: opts.targets.clone(),
        norm: opts.norm,
        normalisation: data.normalisation.clone(),
        image_size: data.size,
        batch: opts.batch,
        lr: opts.lr,
        schedule: opts.schedule,
        optimizer: opts.optimizer,
        weight_decay: opts.weight_decay,
        standardise: opts.standardise,
        seed: opts.seed,
        augment: opts.augment,
        rng_word_pos: 0,
        epochs_done: 0,
        curves: Curves::default(),
        best_epoch: 0,
        best_val_loss: f64::INFINITY,
        train_seconds: 0.0,
        partial: None,
    };
    let mut model = MultiBranchResNet::new(config, opts.seed, ad)
        .map_err(|e| BadInput(format!("network: {e}")))?;
    if previous.is_none() && config.target_standard.is_empty() {
        let tr = &data.splits[0];
        let means: Vec<f32> = data
            .targets
            .iter()
            .map(|col| (tr.iter().map(|&i| col[i]).sum::<f64>() / tr.len() as f64) as f32)
            .collect();
        model = model
            .with_output_bias(&means, ad)
            .ok_or_else(|| anyhow::anyhow!("output bias: one value per target"))?;
    }
    let optim: ModuleOptimizer = match opts.optimizer {
        OptimizerChoice::Adam => AdamConfig::new().with_epsilon(ADAM_EPSILON).init(),
        OptimizerChoice::Adamw => AdamWConfig::new()
            .with_epsilon(ADAM_EPSILON)
            .with_weight_decay(opts.weight_decay as f32)
            .init(),
    };
    let Some(prev) = previous else {
        let desc = ModelDesc {
            config: config.clone(),
            targets: opts.targets.clone(),
            norm: opts.norm,
            normalisation: data.normalisation.clone(),
            image_size: data.size,
            weights: BEST_MODEL.to_string(),
            scale: data.scale,
        };
        crate::atomic::write_atomic(&dir.join(MODEL_JSON), &serde_json::to_vec_pretty(&desc)?)?;
        return Ok((state, model, optim));
    };
    check_resume(&prev, &state)?;
    let e = prev.epochs_done;
    let (mp, op) = match &prev.partial {
        Some(p) => (
            partial_model_path(dir, e + 1, p.steps),
            partial_optim_path(dir, e + 1, p.steps),
        ),
        None => (model_path(dir, e), optim_path(dir, e)),
    };
    let rec = ModuleRecord::load(&mp)
        .map_err(|err| anyhow::anyhow!("loading the model checkpoint {}: {err}", mp.display()))?;
    let model = model
        .try_load_record(rec)
        .map_err(|err| anyhow::anyhow!("applying the model checkpoint: {err}"))?;
    let optim = optim
        .load(&op)
        .map_err(|err| anyhow::anyhow!("loading the optimiser checkpoint: {err}"))?;
    Ok((prev, model, optim))
}

/// What an epoch's steps measured, handed to [`end_epoch`].
struct EpochEnd {
    /// The epoch just trained, from 1.
    epoch: usize,
    /// Mean training MSE (dex²) over the epoch's samples.
    train_loss: f64,
    /// The epoch's starting learning rate (the curve's value).
    lr: f64,
    /// Seconds the epoch took (with those before a stop inside it).
    seconds: f64,
    /// Position of the shuffling stream after the epoch.
    rng_word_pos: u128,
}

/// Ends an epoch: validation in eval mode, the best model kept, the epoch's model and
/// optimiser saved and the checkpoint committed, the curves written, a line printed; after a
/// stop request, the [`Stopped`] error (the checkpoint is complete).
#[allow(clippy::too_many_arguments)]
fn end_epoch(
    dir: &Path,
    opts: &TrainCnnOptions,
    data: &Arc<CnnData>,
    device: &Device,
    state: &mut RunState,
    model: &MultiBranchResNet,
    optim: &ModuleOptimizer,
    ended: &EpochEnd,
) -> Result<()> {
    let e = ended.epoch;
    let valid = model.valid();
    let (val_loss, _) = predict(&valid, data, &data.splits[1], opts.batch, device)?;
    if val_loss < state.best_val_loss || state.best_epoch == 0 {
        state.best_val_loss = val_loss;
        state.best_epoch = e;
        valid
            .clone()
            .into_record()
            .save(dir.join(BEST_MODEL))
            .map_err(|err| anyhow::anyhow!("saving the best model: {err}"))?;
    }
    valid
        .into_record()
        .save(model_path(dir, e))
        .map_err(|err| anyhow::anyhow!("saving the model checkpoint: {err}"))?;
    optim
        .save(optim_path(dir, e))
        .map_err(|err| anyhow::anyhow!("saving the optimiser checkpoint: {err}"))?;
    let secs = ended.seconds;
    state.curves.train_loss.push(ended.train_loss);
    state.curves.val_loss.push(val_loss);
    state.curves.lr.push(ended.lr);
    state.curves.seconds.push(secs);
    state.train_seconds += secs;
    state.epochs_done = e;
    state.rng_word_pos = ended.rng_word_pos;
    checkpoint::commit(dir, state)?;
    write_curves(dir, &state.curves)?;
    eprintln!(
        "epoch {e}/{}: train {:.5} val {val_loss:.5} dex² ({:.0} samples/s){}",
        opts.epochs,
        ended.train_loss,
        data.splits[0].len() as f64 / secs.max(1e-9),
        if state.best_epoch == e { " *best" } else { "" }
    );
    if crate::stop::requested() && e < opts.epochs {
        return Err(Stopped(format!(
            "stopped by a signal after epoch {e}/{}; the checkpoint in {} is complete: \
             run the same command with --resume to continue",
            opts.epochs,
            dir.display()
        ))
        .into());
    }
    Ok(())
}

/// Saves the model and optimiser after `partial.steps` steps of epoch
/// `state.epochs_done + 1` and the manifest that names them, and returns the [`Stopped`]
/// error that ends the run (or the error that kept the checkpoint from being written).
#[allow(clippy::too_many_arguments)]
fn stop_inside_epoch(
    dir: &Path,
    state: &mut RunState,
    model: &MultiBranchResNet,
    optim: &ModuleOptimizer,
    epoch_start_pos: u128,
    partial: PartialEpoch,
    epochs: usize,
) -> anyhow::Error {
    let steps = partial.steps;
    let epoch = state.epochs_done + 1;
    let save = || -> Result<()> {
        model
            .valid()
            .into_record()
            .save(partial_model_path(dir, epoch, steps))
            .map_err(|err| anyhow::anyhow!("saving the model checkpoint: {err}"))?;
        optim
            .save(partial_optim_path(dir, epoch, steps))
            .map_err(|err| anyhow::anyhow!("saving the optimiser checkpoint: {err}"))?;
        state.rng_word_pos = epoch_start_pos;
        state.partial = Some(partial);
        checkpoint::commit(dir, state)
    };
    match save() {
        Ok(()) => Stopped(format!(
            "stopped by a signal after step {steps} of epoch {epoch}/{epochs}; the checkpoint in \
             {} is complete: run the same command with --resume to continue",
            dir.display()
        ))
        .into(),
        Err(e) => e.context("stopped by a signal, but the checkpoint could not be written"),
    }
}

/// Evaluates the best model on the test split and writes the reports.
fn finish(
    dir: &Path,
    opts: &TrainCnnOptions,
    data: &Arc<CnnData>,
    config: &CnnConfig,
    state: &RunState,
    device: &Device,
    label: String,
) -> Result<Metrics> {
    let best = load_record(config, &dir.join(BEST_MODEL), device)?;
    let test = &data.splits[2];
    let (_, pred) = predict(&best, data, test, opts.batch, device)?;
    let truth: Vec<Vec<f64>> = data
        .targets
        .iter()
        .map(|col| test.iter().map(|&i| col[i]).collect())
        .collect();
    let per_target = data
        .target_names
        .iter()
        .enumerate()
        .map(|(t, name)| (name.clone(), residual(&pred[t], &truth[t])))
        .collect();
    write_predictions(dir, &data.target_names, test, &truth, &pred)?;
    write_curves(dir, &state.curves)?;
    let inputs = data
        .inputs
        .iter()
        .map(|i| i.name())
        .collect::<Vec<_>>()
        .join(", ");
    figures::curves::draw_epochs(
        &dir.join("curves.png"),
        &state.curves.train_loss,
        &state.curves.val_loss,
        &format!("CNN ({inputs}) loss per epoch"),
    )?;
    for (t, name) in data.target_names.iter().enumerate() {
        figures::scatter::draw(
            &dir.join(format!("scatter_{name}.png")),
            &truth[t],
            &pred[t],
            &figures::scatter::Labels {
                quantity: target_label(name),
                title: format!("CNN ({inputs}), test split (n = {})", test.len()),
            },
        )?;
    }
    let metrics = Metrics {
        model: "cnn",
        inputs: data.inputs.iter().map(|i| i.name().to_string()).collect(),
        targets: data.target_names.clone(),
        per_target,
        n_train: data.splits[0].len(),
        n_val: data.splits[1].len(),
        n_test: test.len(),
        epochs: state.epochs_done,
        best_epoch: state.best_epoch,
        train_seconds: state.train_seconds,
        device: label,
        curves: CurvesOut {
            train_loss: state.curves.train_loss.clone(),
            val_loss: state.curves.val_loss.clone(),
        },
    };
    write_metrics(dir, &metrics).context("writing METRICS.json")?;
    Ok(metrics)
}
