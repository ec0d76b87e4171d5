using BuildSwarm.Core.Jobs;

namespace BuildSwarm.Core.Scheduling.Simulation;

/// <summary>
/// One event-driven run: ask the policy, start what it assigned, jump to the next completion, repeat.
/// Assignments that break the rules (a job not ready, a full drone) fail the run: the simulator doubles
/// as a check of the policy.
/// </summary>
internal sealed class SimulationRun(SimulationModel model, ISchedulingPolicy policy)
{
    private const double Epsilon = 1e-9;
    private static readonly IReadOnlySet<string> Targets = new HashSet<string> { SimulationModel.Target };

    private readonly JobState[] _state = new JobState[model.Packages.Count];
    private readonly int[] _droneOf = new int[model.Packages.Count];
    private readonly double[] _startedAt = new double[model.Packages.Count];
    private readonly int[] _busy = new int[model.Drones.Count];
    private readonly int[] _jobs = new int[model.Drones.Count];
    private readonly double[] _busySeconds = new double[model.Drones.Count];
    private readonly PriorityQueue<int, double> _completions = new();
    private readonly Dictionary<string, int> _droneIndex =
        model.Drones.Select((d, i) => (d.Spec.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);

    private double _now;

    public double Execute(out IReadOnlyList<DroneUtilisation> drones)
    {
        for (var i = 0; i < _state.Length; i++)
        {
            _state[i] = model.Deps[i].Length == 0 ? JobState.Ready : JobState.Waiting;
        }

        var done = 0;
        while (done < _state.Length)
        {
            foreach (var assignment in policy.Schedule(Snapshot()))
            {
                Start((int)assignment.JobId - 1, assignment.DroneId);
            }

            if (!_completions.TryDequeue(out var job, out var at))
            {
                throw new InvalidOperationException($"{policy.Name}: nothing running and {_state.Length - done} jobs left at t={_now:F0}s");
            }

            _now = at;
            Complete(job);
            done++;
            while (_completions.TryPeek(out job, out at) && at <= _now + Epsilon)
            {
                _completions.Dequeue();
                Complete(job);
                done++;
            }
        }

        drones = model.Drones.Select((d, i) => new DroneUtilisation(
            d.Spec.Name, d.Spec.Cores, d.Slots, d.Spec.Speed, _jobs[i], _busySeconds[i],
            _now > 0 ? _busySeconds[i] / (d.Slots * _now) : 0)).ToList();
        return _now;
    }

    private void Start(int job, string droneName)
    {
        var drone = _droneIndex[droneName];
        if (_state[job] != JobState.Ready || model.Deps[job].Any(d => _state[d] != JobState.Done))
        {
            throw new InvalidOperationException($"{policy.Name} started {model.Packages[job].Id} while it was {_state[job].ToWire()}");
        }

        if (_busy[drone] >= model.Drones[drone].Slots)
        {
            throw new InvalidOperationException($"{policy.Name} overfilled {droneName}");
        }

        var seconds = model.Seconds(job, model.Drones[drone]);
        _state[job] = JobState.Building;
        _droneOf[job] = drone;
        _startedAt[job] = _now;
        _busy[drone]++;
        _jobs[drone]++;
        _busySeconds[drone] += seconds;
        _completions.Enqueue(job, _now + seconds);
    }

    private void Complete(int job)
    {
        _state[job] = JobState.Done;
        _busy[_droneOf[job]]--;
        foreach (var i in model.Dependants[job])
        {
            if (_state[i] == JobState.Waiting && model.Deps[i].All(d => _state[d] == JobState.Done))
            {
                _state[i] = JobState.Ready;
            }
        }
    }

    private SchedulingSnapshot Snapshot()
    {
        var epoch = DateTimeOffset.UnixEpoch;
        var jobs = new List<SchedulingJob>();
        for (var i = 0; i < _state.Length; i++)
        {
            if (_state[i] == JobState.Done)
            {
                continue;
            }

            var running = _state[i] == JobState.Building;
            jobs.Add(new SchedulingJob(
                i + 1,
                model.Packages[i].Id,
                _state[i],
                model.Deps[i].Select(d => (long)d + 1).ToList(),
                SimulationModel.Target,
                DroneId: running ? model.Drones[_droneOf[i]].Spec.Name : null,
                StartedAt: running ? epoch.AddSeconds(_startedAt[i]) : null));
        }

        var drones = model.Drones.Select((d, i) => new SchedulingDrone(
            d.Spec.Name, d.Spec.Name, d.Spec.Site, d.Spec.Cores, d.Slots, d.Slots - _busy[i], d.Spec.Speed, Targets)).ToList();
        return new SchedulingSnapshot(epoch.AddSeconds(_now), jobs, drones, model.Estimator);
    }
}
