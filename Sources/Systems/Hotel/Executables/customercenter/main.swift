import Chassis
import Hotel

Service.main(CustomercenterContext.self)
