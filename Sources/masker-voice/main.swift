import Foundation
import MaskerCLI

exit(await MaskerCommand.execute(Array(CommandLine.arguments.dropFirst()), root: MaskerVoiceCommand.self, name: "masker-voice"))
