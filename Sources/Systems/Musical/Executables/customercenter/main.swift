import Chassis
import Musical

Service.main(CustomercenterContext.self)
