import Chassis
import Hotel

Service.main(OrderContext.self)
