import Chassis
import Musical

Service.main(MusicalContext.self)
