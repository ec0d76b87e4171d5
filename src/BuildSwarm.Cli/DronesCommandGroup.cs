using System.CommandLine;

namespace BuildSwarm.Cli;

/// <summary>
/// The <c>drones</c> command group, built in this one place: each capability contributes its subcommands
/// (admission: list, approve, reject, revoke, rename; scheduling: drain, undrain; remote control: routes, reboot, restart).
/// </summary>
internal static class DronesCommandGroup
{
    public static Command Create()
    {
        var command = new Command("drones", "The fleet's drones: list them, admit or refuse them");
        foreach (var subcommand in DronesAdmissionCommands.Create().Concat(DronesCommand.Scheduling()).Concat(DroneCommands.Control()))
        {
            command.Subcommands.Add(subcommand);
        }

        return command;
    }
}
