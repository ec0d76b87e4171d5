using BuildSwarm.Core.Contracts;
using BuildSwarm.Gateway.Configuration;
using BuildSwarm.Gateway.Storage;
using Microsoft.Extensions.Options;

namespace BuildSwarm.Gateway.Energy;

/// <summary>The gateway's energy accounts: the integrator plus its totals persisted in storage.</summary>
public sealed class EnergyLedger(EnergyTables tables, TimeProvider time, IOptions<GatewayOptions> options)
{
    private const double JoulesPerKwh = 3_600_000;

    public PowerIntegrator Integrator { get; } = new(time, TimeSpan.FromSeconds(Math.Max(1, options.Value.Energy.MaxGapSeconds)));

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var totals = await tables.TotalsAsync(cancellationToken);
        Integrator.Seed(totals);
    }

    /// <summary>Adds what was integrated since the last save to the stored totals.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var unsaved = Integrator.TakeUnsaved();
        if (unsaved.Count == 0)
        {
            return;
        }

        await tables.AddAsync(unsaved);
    }

    public EnergyView View(int top = 10)
    {
        var energy = options.Value.Energy;
        EnergyItem Item((string Key, double Joules) t) =>
            new(t.Key, t.Joules / JoulesPerKwh, energy.PricePerKwh is { } price ? t.Joules / JoulesPerKwh * price : null);
        return new EnergyView(
            Integrator.CurrentWatts,
            Integrator.TodayJoules / JoulesPerKwh,
            Integrator.TotalJoules / JoulesPerKwh,
            energy.PricePerKwh,
            energy.Currency,
            [.. Integrator.Top(PowerIntegrator.Package, top).Select(Item)],
            [.. Integrator.Top(PowerIntegrator.Build, top).Select(Item)]);
    }
}
